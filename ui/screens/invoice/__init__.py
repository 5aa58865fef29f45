"""发票打印与垃圾短信举报 (PRODUCT functions 9 and 10)."""
