"""The modal screens, one module each: help, action picker, what-ifs, check, save."""
