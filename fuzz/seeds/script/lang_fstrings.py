# f-strings with format specs, conversions, nested specs and the = specifier
from micrograd.engine import Value

x = Value(3.14159265)
i = 7
s = 'tanh'
print(f'{x.data:.4f}|{x.data:>8.3f}|{x.data:<8.2f}|{x.data:^9.1f}|{i:3d}|{i:03d}|{-i:4d}|{i:<3}|')
print(f'{s!r} {s!s} {s:>6} {s:<6}| {s:^7}|')
print(f'{x.data=}', f'{i=}', f'{i = }', f'{x.data=:.2f}', f'{s=}')
print(f'{x}')
print(f'{x!r}')
print(f'{1e-7:.3e} {12345.678:,.2f} {0.25:%} {0.256:.1%} {1234567:,} {255:x} {255:#x} {5:b} {255:X} {8:o}')
print(f'{3.0:g} {1e20:g} {0.0001:g} {0.00001:g} {123456789.0:g} {2.5:e} {1.0} {1e16} {0.1 + 0.2}')
print(f'{i:+d} {x.data:+.2f} {-0.0:.1f} {2.5:.0f} {3.5:.0f} {0.125:.2f} {True} {None} {[1, 2.0]} {(1,)}')
print(f'{{literal}} {i * 2} {"nested"} {[1, 2][1]} {x.data:.0f} {-x.data:08.3f}')
w = 8
p = 3
print(f'{x.data:{w}.{p}f}|')
print(f'{123.456:10.2e}|{42:>{w}}|{"ab":*^6}|{7:5}|{"s":5}|{1.5:6}|')
y = x * i
print(f'y = {y.data:.6f}, grad = {y.grad}')
y.backward()
print(f'{x.grad=}', f'{x.grad:.1f}')
