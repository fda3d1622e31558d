"""bpsim: a backpropagation simulator."""
__version__ = "0.1.0"
