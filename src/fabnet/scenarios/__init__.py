"""Built-in scenarios, shipped as package data (``<name>.yaml``)."""
