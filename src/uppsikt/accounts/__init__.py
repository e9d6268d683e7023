"""People, units, roles, training and absences."""
