# classes: __init__, __call__, __repr__/__str__, class attributes, single inheritance, super()
from micrograd.engine import Value

class Module:
    count = 0

    def __init__(self):
        Module.count += 1

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self):
        return []

class Affine(Module):
    kind = 'affine'

    def __init__(self, w, b):
        super().__init__()
        self.w = Value(w)
        self.b = Value(b)

    def __call__(self, x):
        return self.w * x + self.b

    def parameters(self):
        return [self.w, self.b]

    def __repr__(self):
        return f'Affine(w={self.w.data}, b={self.b.data})'

class Scaled(Affine):
    kind = 'scaled'

    def __init__(self, w, b, k=2.0):
        super().__init__(w, b)
        self.k = k

    def __call__(self, x):
        return super().__call__(x) * self.k

    def __str__(self):
        return 'Scaled by ' + str(self.k)

f = Affine(2.0, 1.0)
g = Scaled(-1.0, 0.5)
print(f, g, repr(g), [f, g], str(f))
print(Module.count, f.kind, g.kind, Affine.kind, isinstance(g, Module), isinstance(f, Scaled), isinstance(g, Affine))
x = Value(3.0)
y = g(f(x))
print(y)
y.backward()
print([p.grad for p in f.parameters()], [p.grad for p in g.parameters()], len(Module().parameters()))
f.zero_grad()
print([p.grad for p in f.parameters()], Module.count)
f.kind = 'instance'
print(f.kind, Affine.kind, g.kind, type(g).__name__, hasattr(g, 'k'), hasattr(f, 'k'))
