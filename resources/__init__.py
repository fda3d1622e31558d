"""Shipped examples and the file format schema."""
