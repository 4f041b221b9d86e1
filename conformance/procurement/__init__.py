"""Procurement: put several suppliers' certificates side by side for a tender.

compare (verify each certificate, build the matrix) -> view (the matrix in words of one
language) -> page (HTML) and sheets (CSV, Excel workbook).
"""
