# dicts: insertion order, items/keys/values/get/setdefault/update/pop, del, comprehensions
from micrograd.engine import Value

params = {'w': Value(0.5), 'b': Value(-1.0)}
params['u'] = Value(2.0)
print(list(params.keys()), len(params), 'w' in params, 'zz' in params)
for name, v in params.items():
    print(name, v.data)
print([v.data for v in params.values()])
print(params.get('w').data, params.get('zz'), params.get('zz', 0))
counts = {}
for ch in 'hello world':
    counts[ch] = counts.get(ch, 0) + 1
print(counts)
groups = {}
for word in ['apple', 'avocado', 'banana', 'blueberry', 'cherry']:
    groups.setdefault(word[0], []).append(word)
print(groups, groups.setdefault('a'), groups.setdefault('z', 0), len(groups))
d = {'a': 1, 'b': 2}
d.update({'b': 20, 'c': 3})
d.update(e=5)
print(d, d.pop('a'), d.pop('zz', None), d)
squares = {i: i * i for i in range(5) if i != 2}
print(squares, 3 in squares, 2 in squares)
d2 = {'x': 1}
d2['x'] = 2
d2['y'] = 3
del d2['x']
d2['x'] = 4
print(d2, list(d2), {1: 'int', 1.0: 'float', True: 'bool'})
print(dict(zip(['p', 'q'], [1.5, 2.5])), dict(a=1), dict([(1, 'one')]), {})
for k in d2:
    print(k, end=' ')
print()
x = Value(3.0)
y = sum((v * x for v in params.values()), Value(0.0))
print({k: v.data for k, v in params.items()}, y.data)
y.backward()
print(x.grad, {k: v.grad for k, v in params.items()})
