# assert that passes, del of names, list items and dict keys, x[i] = ..., graph nodes outliving their names
from micrograd.engine import Value

a = Value(2.0)
b = a * 3
assert b.data == 6.0
assert isinstance(b, Value), 'b must be a Value'
assert len(b._prev) == 2 and a in b._prev, f'bad prev {len(b._prev)}'
xs = [Value(float(i)) for i in range(5)]
del xs[1]
del xs[-1]
print([x.data for x in xs])
xs[0] = Value(10.0)
xs[-1] = xs[-1] * 2
print([x.data for x in xs])
tmp = Value(99.0)
del tmp
tmp = 'rebound'
print(tmp)
d = {'k': 1, 'j': 2}
del d['k']
print(d)
c = b + 1
del a, b
e = c * xs[0]
del xs[0]
print(len(xs), e.data)
e.backward()
print(c.grad, e.grad)
