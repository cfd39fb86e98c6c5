"""zimun"""
