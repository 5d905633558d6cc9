"""Terminal front ends; nothing in the core imports them."""
