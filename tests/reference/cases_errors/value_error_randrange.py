# ValueError from random.randrange(0) (the error is raised inside random.py)
import random

random.seed(0)
print(random.randrange(5))
print(random.randrange(0))
