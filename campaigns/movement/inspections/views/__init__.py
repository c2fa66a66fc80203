"""Pages of registration and inspection."""
