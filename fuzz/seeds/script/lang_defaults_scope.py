# defaults are evaluated once, at def time (a mutable default is shared); scoping of names
from micrograd.engine import Value

def append_to(v, acc=[]):
    acc.append(v)
    return acc

k = 2
def scale(v, k=k):
    return v * k
k = 5

def uses_global(v):
    return v * k

def counter(start=Value(0.0)):
    start.data += 1
    return start

a = Value(1.0)
l1 = append_to(a)
l2 = append_to(a * 2)
print(len(l1), l1 is l2, [v.data for v in l2])
print(scale(a).data, uses_global(a).data)
c1 = counter()
c2 = counter()
print(c1 is c2, c2.data, counter(Value(10.0)).data)
def f(x, y=None):
    if y is None:
        y = []
    y.append(x)
    return y
print(f(1), f(2), f(3, [0]))
out = scale(a) + uses_global(a) + c2
out.backward()
print(a.grad, c2.grad)
