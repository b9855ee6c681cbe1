"""Small runnable services built on sqlfirst (see the README)."""
