# TypeError: len() of an int
n = 5
print(len(n))
