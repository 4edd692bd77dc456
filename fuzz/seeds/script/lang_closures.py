# closures: functions returning functions, captured Values, late binding
from micrograd.engine import Value

def make_scaler(k):
    def scale(v):
        return v * k
    return scale

def make_counter():
    count = 0
    def bump():
        nonlocal count
        count += 1
        return count
    return bump

double = make_scaler(2.0)
triple = make_scaler(3)
a = Value(1.25)
b = double(a)
c = triple(b)
print(b, c)
counter = make_counter()
counter(); counter()
print('count', counter())
other = make_counter()
print('other', other(), 'first', counter())
funcs = [make_scaler(i) for i in range(3)]
print([f(a).data for f in funcs])
late = [lambda v: v * i for i in range(3)]
print([f(a).data for f in late])   # late binding: every lambda sees i == 2
bound = [lambda v, i=i: v * i for i in range(3)]
print([f(a).data for f in bound])
d = sum(f(c) for f in funcs)
d.backward()
print(a.grad, b.grad, c.grad)
