"""mpmatrix: run multiprocessing cases under every start method and report what propagates."""

START_METHODS = ('fork', 'spawn', 'forkserver')
VERDICTS = ('propagates', 'isolated', 'error', 'hang', 'unavailable')
