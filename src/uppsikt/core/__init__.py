"""What belongs to the product as a whole: the setup, demo and serve commands, and shared helpers (translation, encryption)."""
