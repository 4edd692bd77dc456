# tuples: indexing, slicing, concatenation, comparison, one-element tuples, Values inside
from micrograd.engine import Value

t = (1, 2.5, 'x')
print(t, t[0], t[-1], t[1:], len(t))
single = (Value(1.0),)
print(single, type(single).__name__, len(single))
empty = ()
print(empty, (1,) + (2, 3), (0,) * 3, tuple(), (1, 2) * 0)
a = Value(2.0); b = Value(3.0)
pair = (a, b)
prod = pair[0] * pair[1]
print(pair, a in pair, Value(2.0) in pair)
print((1, 2) < (1, 3), (1, 2) == (1, 2), (1, 2) < (1, 2, 0), max([(1, 'a'), (1, 'b')]))
nested = ((1, 2), (3, (4, 5)))
print(nested[1][1][0], t.index('x'), (1, 1, 2).count(1))
x, = single
print(x is single[0])
print(tuple([1, 2]), tuple('ab'), tuple(v.data for v in pair), (5))
point = 3, 4
print(point, point[0] ** 2 + point[1] ** 2)
prod.backward()
print(a.grad, b.grad)
