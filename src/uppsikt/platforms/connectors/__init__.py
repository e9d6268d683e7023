"""One module per platform; each registers its Connector."""
