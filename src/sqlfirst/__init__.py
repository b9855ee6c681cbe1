"""sqlfirst."""
