# fuzz: ieee
a = Value(1e308, label='a\n"b" {c} | <d> \\ é\t')
b = a * a; b.label = f'{a.data:.2e} {{x}} {a!r}'
c = (b - b).tanh() + (-a).exp() ** -1.5 / 0
c.backward()
print(repr(b.label), a.grad, f'{c=}', f'{c.data:>10.3f}')
draw_dot(c, rankdir='TB')
