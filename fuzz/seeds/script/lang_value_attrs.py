# reading ._op and ._prev, writing .grad, .data and .label, calling ._backward() by hand
from micrograd.engine import Value

a = Value(2.0); b = Value(-3.0)
c = a * b
d = c + a
print(c._op, d._op, repr(a._op), len(d._prev), c in d._prev, a in d._prev, b in d._prev, len(a._prev))
print(sorted(v.data for v in c._prev), sorted(v.data for v in d._prev))
e = a ** 2
r = e.relu()
print(e._op, r._op, (-a)._op, len(e._prev), (a - b)._op, (a / b)._op, (2 / a)._op, (a ** 0.5)._op)
d.backward()
print(a.grad, b.grad, c.grad, d.grad)
for v in [a, b, c, d]:
    v.grad = 0
print(a.grad, b.grad)
a.data += 0.5
b.data -= 1
b.data *= 2
a.grad = 0.0
print(a, b)
d2 = a * b + a
d2.grad = 1.0
d2._backward()
print(a.grad, [v.grad for v in sorted(d2._prev, key=lambda v: v.data)])
a._backward()
print(a.grad)
a.label = 'alpha'
print(a.label, repr(Value(1.0).label))
