# lambda, map, filter over Values
from micrograd.engine import Value

square = lambda v: v ** 2
add = lambda a, b=1: a + b
vals = [Value(x) for x in [-2.0, -0.5, 0.0, 1.5, 3.0]]
sq = list(map(square, vals))
print([s.data for s in sq])
pos = list(filter(lambda v: v.data > 0, vals))
print(pos)
sums = list(map(add, vals, sq))
print([s.data for s in sums])
print(list(map(lambda v: add(v).data, vals)))
print(list(filter(None, [0, 1, '', 'a', None, 2.5, [], [0]])))
print(list(map(str, [1, 2.5, 'x'])), list(map(int, ['3', '-4'])))
print(sorted(vals, key=lambda v: -v.data)[0])
print((lambda: 'no args')(), (lambda *a: len(a))(1, 2, 3))
out = sum(sums, Value(0.0))
out.backward()
print([v.grad for v in vals])
