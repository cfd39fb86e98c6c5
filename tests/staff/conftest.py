"""The staff bench of `test_staff_gateway`, shared with the other staff test modules."""

from test_staff_gateway import bench  # noqa: F401
