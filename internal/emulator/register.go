package emulator

// register installs every implemented action in the dispatch table.
func (s *Server) register() error {
	for _, reg := range []func(*Server) error{
		registerClusters, registerNodes, registerScaling, registerNetwork, registerInstances, registerSpark, registerConfigs,
	} {
		if err := reg(s); err != nil {
			return err
		}
	}
	return nil
}
