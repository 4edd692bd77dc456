# iter/next, generators consumed step by step, reversed, range objects, lazy map/zip
from micrograd.engine import Value

vals = [Value(float(i)) for i in range(1, 6)]
it = iter(vals)
first = next(it)
second = next(it)
rest = list(it)
print(first.data, second.data, len(rest), next(it, 'done'))
gen = (v * 2 for v in vals)
doubled = [next(gen), next(gen)]
print([d.data for d in doubled], sum(1 for _ in gen))
print(list(reversed(range(4))), list(range(10, 0, -3)), list(range(0)), len(range(0, 10, 3)), range(5)[-1], 3 in range(5), list(range(-3, 3, 2)))
r = reversed(vals)
print(next(r).data, next(r).data)
total = sum((v ** 2 for v in vals if v.data % 2 == 1), Value(0.0))
print(total)
squares = map(lambda v: v.data ** 2, vals)
print(next(squares), list(squares))
z = zip(vals, 'abc')
print([(v.data, c) for v, c in z])
print(list(zip(*[(1, 'a'), (2, 'b')])))
print(sorted(iter([3, 1, 2])), list(enumerate(reversed('ab'))))
total.backward()
print([v.grad for v in vals])
