def read_html(path, data):
    raise NotImplementedError
