"""Commands that belong to the product as a whole: setup, demo, serve."""
