"""The console's screens: detail, help and confirmation."""
