"""Ada's assignments."""
