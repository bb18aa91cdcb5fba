"""What clients send, read: dash-canvas JSON strokes (canvas) and images (images)."""
