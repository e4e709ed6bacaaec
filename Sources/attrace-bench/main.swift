print("attrace-bench: not built yet")
