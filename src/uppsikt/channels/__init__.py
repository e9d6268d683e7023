"""The channel register (förteckning): lifecycle, checklist, approvals, staffing, custody, profile."""
