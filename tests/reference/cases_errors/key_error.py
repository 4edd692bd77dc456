# KeyError for a missing dict key
params = {'w': 0.5, 'b': -1.0}
print(params['w'])
print(params['bias'])
