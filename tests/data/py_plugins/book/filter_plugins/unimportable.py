raise ImportError("cannot be loaded")
