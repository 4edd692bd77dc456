from micrograd.engine import Value
x = Value(-4.0)
z = 2 * x + 2 + x
q = z.relu() + z * x
h = (z * z).relu()
y = h + q + q * x
y += 1; y -= 2; y *= 3; y /= 4
w = y ** 2.5
print(x.data, x.grad, y.label, -0.0, 1/3, 10**20, 'a' + "b", """t""")
