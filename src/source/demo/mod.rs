// Being written (helper): the demo fleet simulator.
