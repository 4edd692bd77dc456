# AttributeError: micrograd's Value has no .sigmoid()
from micrograd.engine import Value

x = Value(0.5)
y = x.relu()
print(y)
z = x.sigmoid()
