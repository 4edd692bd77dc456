# int / float arithmetic: //, % and ** with negatives, big ints below 2**63, float repr, int-valued Value data
from micrograd.engine import Value

print(7 // 2, -7 // 2, 7 // -2, -7 // -2, 7 % 3, -7 % 3, 7 % -3, -7 % -3)
print(7.5 // 2, -7.5 // 2, 7.5 % 2, -7.5 % 2, 5 % 2.5, -0.5 % 1, 7 // 2.0, -1 % 5.0)
print(2 ** 10, 2 ** -1, (-2) ** 3, -2 ** 2, (-2) ** -2, 2 ** 0.5, 4 ** 0.5, 0 ** 0, 2.0 ** 3, (-8.0) ** 2)
print(7 / 2, 6 / 3, 1 / 3, -1 / 3, 2 * 3.0, 3 - 0.5, 10 ** 18, 3 ** 39, 2 ** 62 + (2 ** 62 - 1))
big = 9 * 10 ** 18
print(big, big // 7, big % 1000, -big, float(big), float(2 ** 62), int(1e18), int(2.5e18), int(-2.9))
print(0.1 * 3, 1.1 + 2.2, 0.1 + 0.7, 2.0 ** -1074, 1.5e-10, 1e22, 1e21, 123e-7)
print(1_000_000, 0x1F, 0o17, 0b101, 1e3, 5e-1, .5, 3., -0.0 == 0.0, 1 == 1.0, 0.5 == 1 / 2)
print(True + 1, False * 2.5, 3 * True, -True, 17 % 5 == 2, abs(-2 ** 62))
n = 10
n //= 3
m = 2.0
m **= 3
k = 7
k %= -4
print(n, m, k)
a = Value(7)
b = a * 2 + 1
c = Value(-2.0) ** -1
d = Value(1) / 4
e = Value(-8) ** 2
f = Value(3) ** 0
print(a, b, c, d, e, f)
g = b * c + d + e + f
g.backward()
print(a.grad, g.data)
