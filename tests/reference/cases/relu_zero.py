# relu at exactly 0: data 0.0 (not < 0), local derivative 0 (out > 0 is False)
from micrograd.engine import Value
a = Value(0.0, label='a')
b = a.relu()
b.backward()
print(b.data, a.grad)
