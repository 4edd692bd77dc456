# An error raised inside a generator that sum() is running: the traceback
# goes through the generator's line.
from micrograd.engine import Value

w = [Value(1.0), Value(2.0)]
x = [1.0, 0.0]
act = sum((wi * (1 / xi) for wi, xi in zip(w, x)), Value(0.0))
print(act)
