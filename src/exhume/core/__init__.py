"""What several Django apps share, so that they import one way: choices used by more than one
app's models, the admin base that writes through actions, one date parser and one
``NotFoundError`` → 404 conversion for pages. ``core`` imports ``audit`` (the log) and nothing
from the apps that use it."""
