# IndexError: list index out of range, from a loop that runs one step too far
from micrograd.engine import Value

xs = [Value(1.0), Value(2.0), Value(3.0)]
total = Value(0.0)
for i in range(len(xs) + 1):
    total = total + xs[i]
print(total)
