# sum() over generator expressions, the shapes micrograd's Neuron uses and
# their neighbours: products and sums of Values, a number start, ints mixed
# in, a filter, a generator summed after it was partly used, nested sums.
from micrograd.engine import Value

w = [Value(0.5), Value(-1.5), Value(2.0)]
x = [Value(1.0), Value(3.0), Value(-2.0)]
b = Value(0.25)
act = sum((wi * xi for wi, xi in zip(w, x)), b)
print(act)
plus = sum((wi + xi for wi, xi in zip(w, x)), b)
print(plus)
from_zero = sum(wi * xi for wi, xi in zip(w, x))
print(from_zero)
mixed = sum((wi * 2 for wi in w), b)
print(mixed)
ints = sum((k * wi for k, wi in enumerate(w)), Value(1))
print(ints)
some = sum((wi * xi for wi, xi in zip(w, x) if xi.data > 0), b)
print(some)
g = (wi * xi for wi, xi in zip(w, x))
first = next(g)
rest = sum(g, first)
print(rest, sum(g, b))
nested = sum((sum((a * c for c in x), b) for a in w), Value(0.0))
print(nested)
numbers = sum((i * 0.5 for i in range(4)), 1)
print(numbers)
total = act + plus + from_zero + mixed + ints + some + rest + nested
total.backward()
print([v.grad for v in w], [v.grad for v in x], b.grad)
