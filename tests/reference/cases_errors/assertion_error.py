# AssertionError with a message
from micrograd.engine import Value

def check(v):
    assert v.data > 0, f'expected a positive value, got {v.data}'
    return v

check(Value(1.0))
check(Value(-2.5))
