# tuple unpacking: swaps, nested targets, loops over pairs, multiple return values
from micrograd.engine import Value

a, b = Value(2.0), Value(-3.0)
a, b = b, a
print(a.data, b.data)
(c, d), e = (a * b, a + b), a - b
print(c.data, d.data, e.data)
pairs = [(Value(1.0), 'one'), (Value(2.0), 'two')]
for v, name in pairs:
    print(name, v.data)
for i, (v, name) in enumerate(pairs):
    print(i, name)

def minmax(vs):
    lo = min(vs, key=lambda v: v.data)
    hi = max(vs, key=lambda v: v.data)
    return lo, hi

lo, hi = minmax([a, b, c, d, e])
print(lo, hi)
x, y, z = [1, 2, 3]
p, q = 'pq'
print(x + y + z, p, q)
[m, n] = (4, 5)
print(m * n)
first, second = sorted([e, d], key=lambda v: v.data)
f = lo * hi + first
f.backward()
print(a.grad, b.grad, first is d)
