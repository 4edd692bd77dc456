# def with defaults, keyword arguments, *args and **kwargs over Values
from micrograd.engine import Value

def affine(x, w=2.0, b=0.5):
    out = x * w + b
    return out

def total(*args, start=0):
    acc = Value(start)
    for a in args:
        acc = acc + a
    return acc

def describe(v, **kwargs):
    parts = [f'{k}={kwargs[k]}' for k in kwargs]
    return f'{v.data:.3f} ' + ' '.join(parts)

def count(*args, **kwargs):
    return len(args), sorted(kwargs)

x = Value(1.5)
y1 = affine(x)
y2 = affine(x, 3.0)
y3 = affine(x, b=-1.0)
y4 = affine(b=1, w=-2, x=x)
print(y1.data, y2.data, y3.data, y4.data)
s = total(y1, y2, y3, y4, start=1)
print(s)
print(describe(s, name='s', kind='sum', n=4))
print(count(), count(1, 2, z=3, a=4))
args = (y1, y2)
kw = {'start': 10}
t = total(*args, **kw)
print(t.data, total().data)
t.backward()
print(x.grad, y1.grad, y2.grad)
