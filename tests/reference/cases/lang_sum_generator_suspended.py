# sum() over a generator whose additions run script code (a class's
# __add__): that code finds the generator suspended and can advance it, as
# in CPython.
class A:
    def __init__(self, v):
        self.v = v

    def __add__(self, o):
        return A(self.v + o + next(g, 100))


g = (i for i in range(6))
print(sum(g, A(0)).v)
h = (i * 2 for i in range(4))
print(sum(h, 0.5), list(h))
from micrograd.engine import Value

w = [Value(0.5), Value(-2.0)]
z = sum((wi * wi for wi in w), Value(1.0))
z.backward()
