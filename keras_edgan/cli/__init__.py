"""The `train` and `evaluate` commands, and the configuration and model building they
share (`config`, `options`, `build`)."""
