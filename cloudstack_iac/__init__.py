"""cloudstack-iac: infrastructure as code for the physical layer of Apache CloudStack.

Data flows one way: files -> evaluated configuration -> validated model -> plan -> apply -> provider.
Lower layers never import higher ones (see docs/architecture.md).
"""

__version__ = "0.1.0"
