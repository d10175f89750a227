"""Daily digests: what a launch channel should hear each morning. Pure model and rendering."""
