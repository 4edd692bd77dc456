# micrograd's test_engine.py::test_sanity_check, the micrograd half.
from micrograd.engine import Value

x = Value(-4.0)
z = 2 * x + 2 + x
q = z.relu() + z * x
h = (z * z).relu()
y = h + q + q * x
y.backward()
print(y.data)  # -20.0
print(x.grad)  # 46.0
